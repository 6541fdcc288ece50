//! A process-wide memory budget for decoding. Before an image's pixels are allocated its
//! decode is weighed from the header (pixels × bytes per pixel of the decoder's buffer and
//! of the conversions that follow, plus the preview's working buffers), and that much is
//! taken from the budget: a decode that fits waits until others give theirs back; one that
//! alone needs more than the whole budget is refused with the reason, never attempted. So
//! two 16-bit PNGs of 200 MP cannot together take a small NAS's memory.

use std::sync::{Arc, Condvar, Mutex};

use super::MediaError;

pub struct DecodeBudget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// Memory taken from the budget; given back when dropped.
pub struct Grant {
    budget: Arc<DecodeBudget>,
    bytes: u64,
}

impl DecodeBudget {
    pub fn new(total: u64) -> Arc<Self> {
        Arc::new(DecodeBudget { total, used: Mutex::new(0), freed: Condvar::new() })
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// Takes `bytes`, waiting while other decodes hold too much of the budget.
    pub fn take(self: &Arc<Self>, bytes: u64) -> Result<Grant, MediaError> {
        if bytes > self.total {
            return Err(MediaError::Invalid(format!(
                "decoding this image needs about {} MB of memory, more than the {} MB allowed \
                 (raise decode_memory_mb in the configuration and upload it again)",
                bytes.div_ceil(1 << 20),
                self.total >> 20
            )));
        }
        let mut used = self.used.lock().map_err(|_| poisoned())?;
        while *used + bytes > self.total {
            used = self.freed.wait(used).map_err(|_| poisoned())?;
        }
        *used += bytes;
        Ok(Grant { budget: self.clone(), bytes })
    }
}

impl Drop for Grant {
    fn drop(&mut self) {
        if let Ok(mut used) = self.budget.used.lock() {
            *used = used.saturating_sub(self.bytes);
        }
        self.budget.freed.notify_all();
    }
}

fn poisoned() -> MediaError {
    MediaError::Io(std::io::Error::other("decode budget lock poisoned"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_room_and_refuses_what_never_fits() {
        let b = DecodeBudget::new(100);
        assert!(matches!(b.take(101), Err(MediaError::Invalid(_))));
        let first = b.take(70).unwrap();
        let b2 = b.clone();
        let waiter = std::thread::spawn(move || b2.take(50).map(|g| g.bytes).unwrap());
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiter.is_finished(), "70 + 50 does not fit in 100");
        drop(first);
        assert_eq!(waiter.join().unwrap(), 50);
        assert_eq!(*b.used.lock().unwrap(), 0);
    }
}
