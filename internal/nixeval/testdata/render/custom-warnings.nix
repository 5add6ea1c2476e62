# clan-terranix's `warnings` option: shown, never rendered.
{ ... }: { warnings = [ "a warning" ]; locals.x = 1; }
