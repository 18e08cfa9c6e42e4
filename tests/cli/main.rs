//! Integration tests: the real binary, a real server, real signatures.

mod attacks;
mod captures;
mod catalog;
mod common;
mod dedupe;
mod forms;
mod hardening;
mod import;
mod keys;
mod listen;
mod replay;
mod secrets;
mod send;
mod sign;
mod store_paths;
mod verdicts;
mod verify;
