# Terranix's own `provisioner` option.
{ config, ... }:
{
  provisioner.privateKeyFile = "~/.ssh/id_ed25519";
  resource.null_resource.deploy.connection = { type = "ssh"; private_key = "\${file(\"${config.provisioner.privateKeyFile}\")}"; };
}
