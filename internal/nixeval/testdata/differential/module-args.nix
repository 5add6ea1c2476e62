# _module.args gives every module an argument.
{ lib, ... }:
{
  imports = [ ({ region, ... }: { provider.aws.region = region; }) ];
  _module.args.region = "eu-central-1";
}
