//! A worker's own thread, at lower CPU priority (nice 10) than the threads serving pages:
//! while a shoot is being processed, renditions take the cores only when requests leave
//! them idle, so client pages stay fast. (On Linux the nice value is per thread.)

use std::sync::mpsc;

type Work = Box<dyn FnOnce() + Send>;

pub struct Lane {
    tx: mpsc::Sender<Work>,
}

/// How much nicer than the server job threads run.
const NICE: i32 = 10;

impl Lane {
    pub fn spawn(name: String) -> std::io::Result<Lane> {
        let (tx, rx) = mpsc::channel::<Work>();
        std::thread::Builder::new().name(name).spawn(move || {
            if let Err(e) = rustix::process::setpriority_process(None, NICE) {
                tracing::warn!("could not lower the job thread's priority: {e}");
            }
            for work in rx {
                work();
            }
        })?;
        Ok(Lane { tx })
    }

    /// Runs `f` on the lane's thread and waits for its result; `None` if the thread is gone.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.tx
            .send(Box::new(move || {
                let _ = done.send(f());
            }))
            .ok()?;
        result.await.ok()
    }
}
