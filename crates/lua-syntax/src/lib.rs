//! lua-syntax: the Lua 5.4 lexer and parser.
//!
//! Turns source bytes into an arena-allocated [`ast::Chunk`], or into one
//! syntax error worded exactly as `luac5.4 -p` words it. Depends on nothing
//! else of luna, so it can be used alone as a Lua parser.
//!
//! (Skeleton: the lexer and parser are being written.)

pub mod ast;
