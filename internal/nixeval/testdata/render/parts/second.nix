# Imported by conflict-scalar.nix: a second file defining the same value.
{ resource.terraform_data.x.input = "from second.nix"; }
