//! Integration tests: the real binary, a real server, real signatures.

mod catalog;
mod common;
mod dedupe;
mod forms;
mod hardening;
mod keys;
mod listen;
mod replay;
mod secrets;
mod send;
mod sign;
mod verify;
