{ lib, ... }: {
  meta.name = "plan";
  inventory.machines.db.tags = [ "database" ];
  inventory.machines.web-server.deploy.targetHost = "root@web";
}
