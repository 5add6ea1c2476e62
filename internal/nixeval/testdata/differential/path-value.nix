# A path as a Terraform value: Terranix's types refuse it.
{ locals.script = ./lib-calls.nix; }
