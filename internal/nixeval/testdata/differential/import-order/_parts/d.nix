{ locals.order = [ "d" ]; }
