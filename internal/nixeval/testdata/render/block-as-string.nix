# A block is no string in Terranix: Nix refuses to coerce it, and so do we.
{ config, ... }: {
  resource.aws_instance.web = { ami = "ami-1"; };
  output.whole.value = "${config.resource.aws_instance.web}";
}
