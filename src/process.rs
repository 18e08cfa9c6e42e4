//! What a process holding secrets does to keep them in: no core dumps, no ptrace by other processes of the
//! same user. A listener's memory holds every provider's secret for hours; a crash must not write it to disk.

/// Makes this process non-dumpable and sets its core-file limit to zero (Linux; elsewhere nothing). Called once,
/// when the first secret or credential is read; a failure leaves the process as it was, which is no worse.
pub fn keep_secrets_in() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(target_os = "linux")]
        {
            use rustix::process::{DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit};
            let _ = setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) });
            let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
        }
    });
}
