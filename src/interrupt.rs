//! Ctrl-C during a run of deliveries. The first stops new deliveries and retries (those under way finish and
//! are counted); the second abandons those too. Either way the run ends with its summary and report, so an
//! interrupted day of replays keeps its record.

use tokio::sync::watch;

/// How far the user has asked a run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Running,
    /// One Ctrl-C: start nothing new.
    Stopping,
    /// Two: stop waiting for what is under way.
    Abandoning,
}

/// Where a run learns of Ctrl-C. Cheap to clone; every delivery task holds one.
#[derive(Clone)]
pub struct Interrupt(watch::Receiver<Level>);

impl Interrupt {
    /// Catches SIGINT from now on (the handler is installed before this returns, so a Ctrl-C that lands once
    /// the first delivery is out is never the default "die at once"). Needs a Tokio runtime.
    pub fn catch() -> std::io::Result<Self> {
        let (level, receiver) = watch::channel(Level::Running);
        #[cfg(unix)]
        {
            let mut signals = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
            tokio::spawn(async move {
                for next in [Level::Stopping, Level::Abandoning] {
                    if signals.recv().await.is_none() || level.send(next).is_err() {
                        return;
                    }
                }
            });
        }
        #[cfg(not(unix))]
        tokio::spawn(async move {
            for next in [Level::Stopping, Level::Abandoning] {
                if tokio::signal::ctrl_c().await.is_err() || level.send(next).is_err() {
                    return;
                }
            }
        });
        Ok(Self(receiver))
    }

    pub fn level(&self) -> Level {
        *self.0.borrow()
    }

    /// Resolves once the user has asked for `level` (never, if the signal task is gone).
    pub async fn reached(&self, level: Level) {
        let mut receiver = self.0.clone();
        if receiver.wait_for(|now| *now >= level).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
