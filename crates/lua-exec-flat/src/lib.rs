//! lua-exec-flat: skeleton, see docs/ARCHITECTURE.md. Being built.
