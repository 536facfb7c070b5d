//! A Rust API exposed to Lua scripts as userdata: an inventory that scripts
//! query and change through methods, fields and operators, while Rust keeps
//! the data and its invariants.
//!
//! Run: `cargo run -p luna --example userdata`

use std::collections::BTreeMap;

use luna::{MetaMethod, UserData, UserDataFields, UserDataMethods};

#[derive(Default)]
struct Inventory {
    owner: String,
    items: BTreeMap<String, u32>,
}

impl UserData for Inventory {
    fn add_fields<F: UserDataFields<Self>>(f: &mut F) {
        f.add_field_method_get("owner", |_, inv| Ok(inv.owner.clone()));
        f.add_field_method_set("owner", |_, inv, name: String| {
            if name.is_empty() {
                return Err(luna::Error::new("owner must not be empty"));
            }
            inv.owner = name;
            Ok(())
        });
        f.add_field_method_get("total", |_, inv| Ok(inv.items.values().sum::<u32>()));
    }

    fn add_methods<M: UserDataMethods<Self>>(m: &mut M) {
        // Inventory.new(owner): a constructor, called with `.`.
        m.add_function("new", |_, owner: String| {
            Ok(Inventory {
                owner,
                items: BTreeMap::new(),
            })
        });
        m.add_method_mut("add", |_, inv, (item, n): (String, Option<u32>)| {
            let c = inv.items.entry(item).or_default();
            *c += n.unwrap_or(1);
            Ok(*c)
        });
        m.add_method_mut("take", |_, inv, (item, n): (String, u32)| {
            match inv.items.get_mut(&item) {
                Some(c) if *c >= n => {
                    *c -= n;
                    Ok(true)
                }
                _ => Ok(false),
            }
        });
        m.add_method("count", |_, inv, item: String| {
            Ok(inv.items.get(&item).copied().unwrap_or(0))
        });
        // Returns a Lua table built from Rust data.
        m.add_method("list", |lua, inv, ()| {
            lua.create_table_from(inv.items.iter().map(|(k, v)| (k.clone(), *v)))
        });
        m.add_meta_method(MetaMethod::ToString, |_, inv, ()| {
            Ok(format!(
                "Inventory({}, {} items)",
                inv.owner,
                inv.items.len()
            ))
        });
        m.add_meta_method(MetaMethod::Len, |_, inv, ()| Ok(inv.items.len()));
    }
}

const SCRIPT: &str = r#"
local inv = Inventory.new("ada")
inv:add("apple", 3)
inv:add("pear")
assert(inv:take("apple", 2))
assert(not inv:take("plum", 1))
inv.owner = "grace"
print(tostring(inv), "total:", inv.total, "kinds:", #inv)
for name, n in pairs(inv:list()) do print("", name, n) end

-- Mistakes are ordinary Lua errors, with positions.
print(pcall(inv.add, inv, 42, "many"))
print(pcall(function() inv.owner = "" end))
return inv
"#;

fn main() -> luna::Result<()> {
    let lua = luna::Lua::new();
    // The class table: `Inventory.new` is the constructor registered above.
    lua.globals().set("Inventory", Inventory::default())?;
    let inv: luna::AnyUserData = lua.load(SCRIPT).set_name("@shop.lua").eval()?;
    lua.flush_output();

    // Rust reads the same object the script changed.
    let inv = inv.borrow::<Inventory>()?;
    println!("from Rust: owner={} items={:?}", inv.owner, inv.items);
    assert_eq!(inv.items["apple"], 1);
    Ok(())
}
