# mkDefault, mkForce, mkOverride and mkOrder on Terranix's blocks and on declared options.
{ config, lib, ... }:
{
  imports = [
    { resource.aws_instance.web.instance_type = lib.mkDefault "t3.micro"; }
    { resource.aws_instance.web.instance_type = "t3.large"; }
    { resource.aws_instance.web.ami = lib.mkForce "ami-forced"; }
    { resource.aws_instance.web.ami = "ami-normal"; }
    { resource.aws_instance.web.tags = lib.mkOverride 900 { Name = "web-900"; }; }
    { resource.aws_instance.web.tags = lib.mkOverride 950 { Name = "web-950"; }; }
    { locals.order = lib.mkBefore [ "first" ]; }
    { locals.order = lib.mkAfter [ "last" ]; }
    { locals.order = [ "middle" ]; }
    { locals.order = lib.mkOrder 1200 [ "between" ]; }
    { size = lib.mkDefault 10; }
    { size = lib.mkForce 40; }
  ];
  options.size = lib.mkOption { type = lib.types.int; default = 1; };
  config.resource.aws_ebs_volume.data = { size = config.size; availability_zone = "eu-central-1a"; };
}
