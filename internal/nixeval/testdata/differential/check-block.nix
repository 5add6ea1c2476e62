# `check` blocks: not one of Terranix's options.
{ check.health."assert" = [ { condition = true; error_message = "ok"; } ]; }
