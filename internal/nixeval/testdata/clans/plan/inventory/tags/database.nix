{ lib, machine, clan, name, ... }: {
  imports = [ lib.clanInfra.modules.ec2-with-sg ];
  resource.aws_instance.${machine.name}.ami = "ami-db";
  output.db_host.value = "\${aws_instance.${machine.name}.private_ip}";
  # every machine of the clan with its tags, and the workspace's name
  output.peers.value = lib.mapAttrsToList (m: v: "${m}:${lib.concatStringsSep "+" v.tags}") clan.machines;
  output.workspace.value = name;
}
