# The terranix Clan service: roles for infrastructure management.
# - machine: machines that get a workspace of their own (settings: dependsOn,
#   infrastructure, targetHostOutput, identityFile, ... - see docs/guide.md)
# - infra-manager: the machine that runs provisioning; its role settings are the
#   clan-wide settings (engine, credentials, encryption, ...).
{
  instances.terranix = {
    module.name = "terranix";
    module.input = "clan-terranix";

    roles.machine.tags.@TAG@ = { };
    roles.machine.settings.dependsOn = [ "shared" ];

    roles.infra-manager.tags.infra-manager = { };
    roles.infra-manager.settings = {
      engine = "tofu";@SETTINGS@
    };
  };
}
