-- Sets package.loaded itself and returns nothing.
package.loaded[...] = {self_registered = true}
