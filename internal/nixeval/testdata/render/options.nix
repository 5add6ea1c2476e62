# A reusable module declaring its own options (defaults as lowest priority definitions).
{ config, lib, ... }: {
  imports = [{
    options.web.instanceType = lib.mkOption { type = lib.types.str; default = "t3.micro"; };
    options.web.enable = lib.mkEnableOption "web";
    options.web.count = lib.mkOption { type = lib.types.int; default = 1; };
    config = lib.mkIf config.web.enable {
      resource.aws_instance.web = { instance_type = config.web.instanceType; count = config.web.count; };
    };
  }];
  web.enable = true;
  web.count = 2;
}
