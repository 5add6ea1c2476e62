# Reusable template: an Aurora PostgreSQL cluster in the shared VPC.
{
  name,
  instances ? 1,
  instanceClass ? "db.t4g.medium",
}:
{ lib, ... }:
{
  resource.aws_rds_cluster.${name} = {
    cluster_identifier = name;
    engine = "aurora-postgresql";
    master_username = "postgres";
    manage_master_user_password = true;
    skip_final_snapshot = false;
    final_snapshot_identifier = "${name}-final";
  };

  resource.aws_rds_cluster_instance = lib.listToAttrs (
    map (i: {
      name = "${name}_${toString i}";
      value = {
        identifier = "${name}-${toString i}";
        cluster_identifier = "\${aws_rds_cluster.${name}.id}";
        instance_class = instanceClass;
        engine = "\${aws_rds_cluster.${name}.engine}";
      };
    }) (lib.range 1 instances)
  );

  output."${name}_endpoint".value = "\${aws_rds_cluster.${name}.endpoint}";
}
