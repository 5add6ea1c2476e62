# Terranix's `warnings` option: shown, never rendered.
{ name, ... }: { warnings = [ "this file is named ${name}" ]; locals.x = 1; }
