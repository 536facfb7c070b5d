//! lua-exec-tree: skeleton, see docs/ARCHITECTURE.md. Being built.
