// jemalloc: per-delivery allocations made on one thread and freed on another (handler → store writer, delivery
// tasks across workers) are where glibc's malloc spent 15 % of `listen` and `send`. jemalloc lifted both by a
// quarter to a third (bench/run.sh) for ~0.2 ms of start-up; mimalloc, tried before it, cost 1.3–2 ms.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    hookctl::run().into()
}
