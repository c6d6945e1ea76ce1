//! The parallel chunk runner shared by simulation and impact diff: reads
//! chunks from a [`ShopperStream`] on the calling thread while the previous
//! batch is decided on the rayon pool, merges per-chunk accumulators in input
//! order (so example lists are the first N in input order, whatever the
//! thread count), reports progress and honours cancel between and inside
//! chunks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tailor_engine::Shopper;
use tailor_model::Schema;
use ts_rs::TS;

use crate::input::{InputError, Record, ShopperStream};

/// Progress of a run, reported after every batch of chunks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Progress {
    /// Shoppers done.
    #[ts(type = "number")]
    pub done: u64,
    /// Shoppers in the input, when known up front.
    #[ts(optional, type = "number")]
    pub total: Option<u64>,
    /// Share of the input done (from the total, or bytes read for files).
    #[ts(optional)]
    pub fraction: Option<f64>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    #[ts(optional, type = "number")]
    pub eta_ms: Option<u64>,
}

/// Why a run stopped without a result.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The cancel flag was raised; nothing was produced.
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("shopper \"{shopper}\": {message}")]
    Decide { shopper: String, message: String },
    #[error("no page type \"{page}\" (page types: {known})")]
    UnknownPage { page: String, known: String },
    #[error("{0}")]
    Options(String),
}

/// Chunks decided in parallel per batch, per thread.
const BATCH_PER_THREAD: usize = 4;
/// Shoppers between two looks at the cancel flag inside a chunk.
const CANCEL_EVERY: usize = 64;

type Batch<'a> = Vec<(u64, Vec<Record<'a>>)>;

fn read_batch<'a>(stream: &mut ShopperStream<'a>, n: usize, offset: &mut u64) -> Result<Batch<'a>, SimError> {
    let mut batch = Vec::with_capacity(n);
    for _ in 0..n {
        match stream.next_chunk() {
            None => break,
            Some(Err(e)) => return Err(e.into()),
            Some(Ok(chunk)) => {
                let len = chunk.len() as u64;
                batch.push((*offset, chunk));
                *offset += len;
            }
        }
    }
    Ok(batch)
}

/// Runs `per_shopper(acc, input_position, shopper, chunk, k)` over the
/// stream on a pool of `threads` (all cores when `None`), where `chunk` is
/// what `prepare` made of the chunk's typed shoppers (the shopper is its
/// `k`th), e.g. segment matches evaluated for the whole chunk at once.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_chunks<A, C, N, P, F, M>(
    mut stream: ShopperStream<'_>,
    schema: &Schema,
    threads: Option<usize>,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
    new_acc: N,
    prepare: P,
    per_shopper: F,
    merge: M,
) -> Result<A, SimError>
where
    A: Send,
    N: Fn() -> A + Sync,
    P: Fn(&[&Shopper]) -> C + Sync,
    F: Fn(&mut A, u64, &Shopper, &C, usize) -> Result<(), SimError> + Sync,
    M: Fn(&mut A, A) + Sync,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| SimError::Options(format!("cannot start worker threads: {e}")))?;
    let started = Instant::now();
    let batch_chunks = BATCH_PER_THREAD * pool.current_num_threads();
    pool.install(|| {
        let mut total = new_acc();
        let mut offset = 0u64;
        let mut done = 0u64;
        let mut batch = read_batch(&mut stream, batch_chunks, &mut offset)?;
        while !batch.is_empty() {
            if cancel.load(Ordering::Relaxed) {
                return Err(SimError::Cancelled);
            }
            let size: u64 = batch.iter().map(|(_, c)| c.len() as u64).sum();
            let (next, results) = rayon::join(
                || read_batch(&mut stream, batch_chunks, &mut offset),
                || {
                    batch
                        .into_par_iter()
                        .map(|(start, chunk)| {
                            // Typed up to the first bad record, whose error
                            // comes after the shoppers before it are done.
                            let mut typed = Vec::with_capacity(chunk.len());
                            let mut bad = None;
                            for (k, record) in chunk.into_iter().enumerate() {
                                if k % CANCEL_EVERY == 0 && cancel.load(Ordering::Relaxed) {
                                    return Err(SimError::Cancelled);
                                }
                                match record.typed(schema) {
                                    Ok(shopper) => typed.push(shopper),
                                    Err(e) => {
                                        bad = Some(e);
                                        break;
                                    }
                                }
                            }
                            let shoppers: Vec<&Shopper> = typed.iter().map(|s| &**s).collect();
                            let context = prepare(&shoppers);
                            let mut acc = new_acc();
                            for (k, shopper) in shoppers.iter().enumerate() {
                                if k % CANCEL_EVERY == 0 && cancel.load(Ordering::Relaxed) {
                                    return Err(SimError::Cancelled);
                                }
                                per_shopper(&mut acc, start + k as u64, shopper, &context, k)?;
                            }
                            match bad {
                                Some(e) => Err(e.into()),
                                None => Ok(acc),
                            }
                        })
                        .collect::<Vec<Result<A, SimError>>>()
                },
            );
            for r in results {
                merge(&mut total, r?);
            }
            done += size;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let fraction = stream.fraction(done);
            let eta_ms = fraction
                .filter(|f| *f > 0.0)
                .map(|f| ((elapsed_ms as f64) * (1.0 - f.min(1.0)) / f) as u64);
            progress(Progress { done, total: stream.total, fraction, elapsed_ms, eta_ms });
            batch = next?;
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(SimError::Cancelled);
        }
        Ok(total)
    })
}
