# Terranix gives modules no `name` argument.
{ name, ... }: { locals.workspace = name; }
