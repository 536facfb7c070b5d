//! The Lua 5.4 abstract syntax tree.
//!
//! Every node lives in a [`bumpalo::Bump`] arena and borrows from it with the
//! lifetime `'a`: children are `&'a Node` and lists are `&'a [Node]`, so the
//! whole tree is freed at once when the arena is dropped and building it costs
//! one bump allocation per node (the layout oxc uses).
//!
//! Names and string literals are copied into the arena as well, so a tree
//! does not borrow the source text.
//!
//! # Positions
//!
//! Every statement and expression carries a [`Span`] (byte offsets into the
//! source) and the 1-based `line` PUC-Rio Lua attributes to it, because later
//! stages report errors by line exactly as lua5.4 does:
//!
//! - binary and unary operators: the line of the operator token;
//! - calls and method calls: the line where the called prefix expression
//!   starts (what `luaK_fixline` uses in `funcargs`);
//! - indexing (`a.b`, `a[b]`): the line of the `.`/`[` token;
//! - everything else: the line of the node's first token.
//!
//! # Invariants the parser guarantees
//!
//! - `ExprKind::Vararg` appears only inside a vararg function.
//! - `Break` appears only inside a loop; every `Goto` has a visible label and
//!   does not jump into the scope of a local; no label is defined where a
//!   label of the same name is visible (5.4's rule: sibling blocks may
//!   reuse a name).
//! - Assignment targets are `Name` or `Index` expressions; an expression
//!   statement is a `Call` or `MethodCall`; no assignment targets a `<const>`
//!   or `<close>` local.
//! - A `Local` statement declares at most one `<close>` variable.
//!
//! The compiler may therefore rely on these without checking again.
//!
//! # Depth
//!
//! Nesting that PUC's parser handles by recursion (parentheses, blocks,
//! functions, table constructors, right operands) is bounded by the
//! 200-level limit. Left-associative chains are loops in PUC's parser and
//! have no limit: `x = a.b.b.b...`, `f()()()...`, `a:m():m()...` and
//! `1 + 1 + 1 ...` with 100000 links are valid Lua and give trees 100000
//! levels deep along `lhs`/`obj`/`func`. Code that walks the tree
//! recursively must not rely on the thread's stack for those (the printer
//! grows its stack on demand with `stacker`).

/// Byte range `start..end` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }
}

/// A parsed chunk: the body of the implicit vararg main function.
#[derive(Debug)]
pub struct Chunk<'a> {
    pub block: Block<'a>,
    /// Number of lines in the source (the main function's `lastlinedefined`
    /// is 0 in PUC listings; this is kept for tools).
    pub last_line: u32,
    /// The line PUC gives the main function's implicit final `RETURN`: its
    /// `lastline` at the end of input, i.e. the line of the chunk's last
    /// token (1 for an empty chunk), not `block.end_line` (the line of the
    /// end of input, which counts trailing blank lines). `luac -l` on
    /// `"x = 1\n\n\n"` shows the `RETURN` at line 1.
    pub return_line: u32,
}

/// A sequence of statements, optionally ended by a `return`.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    pub stats: &'a [Stat<'a>],
    pub ret: Option<&'a Return<'a>>,
    /// Line of the token that closes the block (`end`, `until`, `else`, ...
    /// or the last line for the main chunk). PUC emits the implicit final
    /// `RETURN` and closes upvalues at this line, except for the main
    /// chunk: see [`Chunk::return_line`].
    pub end_line: u32,
    /// PUC's `lastline` where the block ends: the line of its last token
    /// (of the token before it when it is empty). The jump at the end of a
    /// `then` part or of a `while` body is on this line.
    pub last_line: u32,
}

/// `return e1, e2, ...` (the optional `;` is not recorded).
#[derive(Debug)]
pub struct Return<'a> {
    pub exprs: &'a [Expr<'a>],
    pub line: u32,
    pub span: Span,
}

#[derive(Debug)]
pub struct Stat<'a> {
    pub kind: StatKind<'a>,
    pub line: u32,
    pub span: Span,
}

#[derive(Debug)]
pub enum StatKind<'a> {
    /// A function call used as a statement (`Call` or `MethodCall`).
    Call(&'a Expr<'a>),
    /// `t1, t2 = e1, e2`: targets are `Name` or `Index` expressions.
    Assign {
        targets: &'a [Expr<'a>],
        values: &'a [Expr<'a>],
    },
    /// `local a <const>, b = e1, e2`
    Local {
        names: &'a [LocalName<'a>],
        values: &'a [Expr<'a>],
    },
    /// `local function f() end`: `f` is in scope inside its own body.
    LocalFunction {
        name: &'a str,
        func: &'a FuncBody<'a>,
    },
    /// `function a.b.c:m() end`
    Function {
        name: FuncName<'a>,
        func: &'a FuncBody<'a>,
    },
    Do(Block<'a>),
    While {
        cond: &'a Expr<'a>,
        body: Block<'a>,
    },
    /// `repeat body until cond`: `cond` sees the body's locals.
    Repeat {
        body: Block<'a>,
        cond: &'a Expr<'a>,
    },
    /// `if c1 then b1 elseif c2 then b2 else b3 end`
    If {
        arms: &'a [IfArm<'a>],
        orelse: Option<Block<'a>>,
    },
    /// `for var = start, limit, step do body end`
    NumericFor {
        var: &'a str,
        start: &'a Expr<'a>,
        limit: &'a Expr<'a>,
        step: Option<&'a Expr<'a>>,
        body: Block<'a>,
    },
    /// `for n1, n2 in e1, e2 do body end`
    GenericFor {
        names: &'a [&'a str],
        exprs: &'a [Expr<'a>],
        body: Block<'a>,
    },
    Goto(&'a str),
    Label(&'a str),
    Break,
}

#[derive(Debug)]
pub struct IfArm<'a> {
    pub cond: Expr<'a>,
    pub body: Block<'a>,
    /// Line of the `if`/`elseif` keyword.
    pub line: u32,
    /// Line of the `then` keyword: PUC tests a condition that is not a
    /// comparison there.
    pub then_line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attrib {
    None,
    Const,
    Close,
}

#[derive(Debug)]
pub struct LocalName<'a> {
    pub name: &'a str,
    pub attrib: Attrib,
}

/// The name of a `function` statement: `base.fields[0].fields[1]:method`.
#[derive(Debug)]
pub struct FuncName<'a> {
    /// The variable the path starts from (a local, upvalue or global).
    pub base: &'a str,
    pub fields: &'a [&'a str],
    /// `Some` for `function a:m()`; the body then has `self` as its first
    /// parameter (already inserted by the parser).
    pub method: Option<&'a str>,
}

/// Parameters and body of a function (`function` expressions and
/// statements, `local function`, methods).
#[derive(Debug)]
pub struct FuncBody<'a> {
    /// Parameter names; for methods the first one is `self`.
    pub params: &'a [&'a str],
    pub is_vararg: bool,
    pub body: Block<'a>,
    /// `linedefined`, exactly as PUC sets it: the line of the `function`
    /// keyword for `function` statements, but for function expressions and
    /// `local function` the line of the `(` that opens the parameters
    /// (PUC reads the line after consuming `function` / the name). The
    /// two differ only when the header spans lines.
    pub line: u32,
    /// Line of the closing `end` (`lastlinedefined`).
    pub end_line: u32,
    pub span: Span,
}

#[derive(Debug)]
pub struct Expr<'a> {
    pub kind: ExprKind<'a>,
    pub line: u32,
    pub span: Span,
}

#[derive(Debug)]
pub enum ExprKind<'a> {
    Nil,
    True,
    False,
    /// `...`
    Vararg,
    Int(i64),
    Float(f64),
    /// A string literal, escapes already decoded (arbitrary bytes).
    Str(&'a [u8]),
    Function(&'a FuncBody<'a>),
    Table(&'a [TableField<'a>]),
    Binary {
        op: BinOp,
        lhs: &'a Expr<'a>,
        rhs: &'a Expr<'a>,
    },
    Unary {
        op: UnOp,
        operand: &'a Expr<'a>,
    },
    /// A variable reference; the compiler resolves it to a local, an upvalue
    /// or a global (`_ENV.name`).
    Name(&'a str),
    /// `obj[key]`; `obj.name` is `Index` with a `Str` key.
    Index {
        obj: &'a Expr<'a>,
        key: &'a Expr<'a>,
    },
    /// `func(args)`, `func "str"`, `func {table}`
    Call {
        func: &'a Expr<'a>,
        args: &'a [Expr<'a>],
    },
    /// `obj:method(args)`
    MethodCall {
        obj: &'a Expr<'a>,
        method: &'a str,
        args: &'a [Expr<'a>],
    },
    /// `(e)`: truncates a multi-valued expression to one value.
    Paren(&'a Expr<'a>),
}

#[derive(Debug)]
pub enum TableField<'a> {
    /// `{ e }`: the next array slot.
    Positional(Expr<'a>),
    /// `{ name = e }`
    Named { name: &'a str, value: Expr<'a> },
    /// `{ [k] = e }`
    Keyed { key: Expr<'a>, value: Expr<'a> },
}

/// Binary operators, in no particular order (see [`BinOp::precedence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    IDiv,
    Mod,
    Pow,
    Concat,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    BAnd,
    BOr,
    BXor,
    Shl,
    Shr,
}

impl BinOp {
    /// `(left, right)` binding powers as in lparser.c's `priority` table:
    /// a right power lower than the left one makes the operator
    /// right-associative (`..` and `^`).
    pub fn precedence(self) -> (u8, u8) {
        use BinOp::*;
        match self {
            Or => (1, 1),
            And => (2, 2),
            Lt | Gt | Le | Ge | Ne | Eq => (3, 3),
            BOr => (4, 4),
            BXor => (5, 5),
            BAnd => (6, 6),
            Shl | Shr => (7, 7),
            Concat => (9, 8),
            Add | Sub => (10, 10),
            Mul | Div | IDiv | Mod => (11, 11),
            Pow => (14, 13),
        }
    }

    /// The operator as written in Lua source.
    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            IDiv => "//",
            Mod => "%",
            Pow => "^",
            Concat => "..",
            Eq => "==",
            Ne => "~=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            And => "and",
            Or => "or",
            BAnd => "&",
            BOr => "|",
            BXor => "~",
            Shl => "<<",
            Shr => ">>",
        }
    }
}

/// Priority of unary operators (binds tighter than everything but `^`).
pub const UNARY_PRIORITY: u8 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-`
    Neg,
    /// `not`
    Not,
    /// `#`
    Len,
    /// `~`
    BNot,
}

impl UnOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Not => "not",
            UnOp::Len => "#",
            UnOp::BNot => "~",
        }
    }
}
