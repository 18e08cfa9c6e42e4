//! Integration tests: the real binary, a real server, real signatures.

mod catalog;
mod common;
mod listen;
mod replay;
mod secrets;
mod send;
mod sign;
mod verdicts;
mod verify;
