# The terranix Clan service. web's settings tell install where its SSH is
# (output target_host, "127.0.0.1:<published port>") and which key the workspace
# made (output ssh_private_key): install logs in with it, then hands it to
# `clan machines install -i`.
{
  instances.terranix = {
    module.name = "terranix";
    module.input = "clan-terranix";

    roles.machine.tags.docker = { };
    roles.machine.settings.dependsOn = [ "shared" ];
    roles.machine.machines.web.settings = {
      sshKeyOutput = "ssh_private_key";
      sshTimeout = "2m";
      # Every container of the image has the same host key: nothing to check.
      hostKeyCheck = "none";
    };

    roles.infra-manager.settings = {
      engine = "tofu";
    };
  };
}
