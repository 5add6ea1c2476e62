# Two files, two different values for one path: the error names the path and both files.
{
  imports = [ ./parts/second.nix ];
  resource.terraform_data.x.input = "from conflict-scalar.nix";
}
