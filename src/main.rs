fn main() -> std::process::ExitCode {
    hookctl::run().into()
}
