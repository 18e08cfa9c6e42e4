//! How many connections the open-file limit leaves room for. Each connection is a file descriptor (two when
//! deliveries are forwarded: the app's socket too), and the listener needs some of its own: standard streams,
//! the store and its WAL on two connections, the runtime's epoll and signal pipes.

/// Descriptors kept for the listener itself; a quarter of a very small limit.
const OWN_DESCRIPTORS: u64 = 64;

/// The open-file limit, raised first to the hard limit (as Go's runtime does): the soft limit of 1024 many
/// systems start with is a default for programs that use select(), which this one does not. `None` where
/// it cannot be read.
pub fn open_files() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        // An unlimited hard limit still stops at the kernel's own (nr_open, 2^20 by default).
        let target = limit.maximum.unwrap_or(1 << 20);
        if limit.current.is_some_and(|current| current < target) {
            let _ = setrlimit(Resource::Nofile, Rlimit { current: Some(target), maximum: limit.maximum });
        }
        // No limit at all reads as None: then only --max-connections bounds.
        getrlimit(Resource::Nofile).current
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The connections allowed at once: `wanted`, or fewer when `open_files` could not hold them.
pub fn connections(wanted: usize, open_files: Option<u64>, forwarding: bool) -> usize {
    let Some(open_files) = open_files else {
        return wanted;
    };
    let own = OWN_DESCRIPTORS.min(open_files / 4);
    let per_connection = if forwarding { 2 } else { 1 };
    let room = usize::try_from((open_files - own) / per_connection).unwrap_or(usize::MAX);
    wanted.min(room).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_file_limit_lowers_the_cap() {
        assert_eq!(connections(1024, None, false), 1024);
        assert_eq!(connections(1024, Some(1 << 20), false), 1024);
        assert_eq!(connections(1024, Some(1024), false), 960);
        assert_eq!(connections(1024, Some(1024), true), 480, "a forwarded delivery takes a second descriptor");
        assert_eq!(connections(1024, Some(128), false), 96);
        assert_eq!(connections(1024, Some(2), false), 2);
    }
}
