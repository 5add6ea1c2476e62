# Probe: provider-list (magic merge and module collection corner)
{ provider = [ { aws = { region = "a"; }; } { aws = { region = "b"; alias = "b"; }; } ]; }
