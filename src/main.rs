/// The listener and the delivery engine allocate per request from several threads; mimalloc's thread-local
/// heaps cost a fraction of glibc's malloc there (measured in bench/run.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    hookctl::run().into()
}
