//! A few long-lived threads that run metric queries one each. Queries call
//! into rayon for their parallel parts, but never run *as* rayon jobs: a
//! rayon thread waiting inside a parallel loop may pick up another job, and
//! two queries on one stack could deadlock on the facts' lock. Few threads
//! also keep the memory queries allocate and free in few thread heaps.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

pub struct Runner {
    tx: Mutex<Sender<Job>>,
}

impl Runner {
    pub fn new(threads: usize) -> Runner {
        let (tx, rx) = channel::<Job>();
        let rx: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("metrics-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("spawn a metrics thread");
        }
        Runner { tx: Mutex::new(tx) }
    }

    /// Queues `job`; it runs on the next free thread.
    pub fn run(&self, job: impl FnOnce() + Send + 'static) {
        let _ = self.tx.lock().expect("runner lock").send(Box::new(job));
    }
}
