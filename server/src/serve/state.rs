//! What every handler shares: the accounts and token keys, the analysis
//! slots, and the limits in force. Built once at start, cheap to clone.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use super::auth::Auth;
use super::error::ApiError;

/// Limits on one request's upload and analysis.
#[derive(Clone, Copy, Debug)]
pub struct UploadLimits {
    /// Largest `/api/analyze` body, bytes.
    pub max_bytes: u64,
    /// Longest silence while a request body is being read; the request is
    /// then answered 408 and its analysis slot freed.
    pub body_idle: Duration,
    /// Longest time from taking an analysis slot to the report (upload and
    /// analysis together); then 503.
    pub analysis: Duration,
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub auth: Arc<Auth>,
    analysis_slots: Arc<Semaphore>,
    pub upload: UploadLimits,
}

impl AppState {
    pub fn new(auth: Auth, max_concurrent: usize, upload: UploadLimits) -> AppState {
        AppState {
            auth: Arc::new(auth),
            analysis_slots: Arc::new(Semaphore::new(max_concurrent.max(1))),
            upload,
        }
    }

    /// Waits for one of the `--max-concurrent` analysis slots; the slot is
    /// free again when the permit drops (report sent, upload failed or
    /// timed out, client gone).
    pub async fn analysis_slot(&self) -> Result<SemaphorePermit<'_>, ApiError> {
        self.analysis_slots
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))
    }
}
