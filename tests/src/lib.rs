//! Integration tests of the luna workspace live in `tests/` (see README).
