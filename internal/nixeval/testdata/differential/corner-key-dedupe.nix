# Probe: key-dedupe (magic merge and module collection corner)
let m = { key = "shared"; locals.l = [ 1 ]; }; in { imports = [ m m { imports = [ m ]; } ]; }
