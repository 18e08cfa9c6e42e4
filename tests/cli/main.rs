//! Integration tests: the real binary, a real server, real signatures.

mod audit;
mod captures;
mod catalog;
mod common;
mod completion;
mod dedupe;
mod doc_examples;
mod forms;
mod hardening;
mod import;
mod keys;
mod listen;
mod pickers;
mod printing;
mod readme;
mod replay;
mod rotation;
mod runs;
mod secrets;
mod send;
mod sign;
mod store_paths;
mod terminal;
mod verdicts;
mod verify;
