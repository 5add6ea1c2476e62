# The terranix Clan service: roles for infrastructure management.
# - machine: machines that get a workspace of their own (settings: dependsOn, infrastructure, ...)
# - infra-manager: the machine that runs provisioning; its role settings are the clan-wide settings.
{
  instances.terranix = {
    module.name = "terranix";
    module.input = "clan-terranix";

    roles.machine.tags.local-infra = { };
    roles.machine.settings.dependsOn = [ "shared" ];

    roles.infra-manager.settings = {
      engine = "tofu";
    };
  };
}
