# Reusable template: a private, versioned S3 bucket.
{ name }:
{
  resource.aws_s3_bucket.${name}.bucket = name;
  resource.aws_s3_bucket_versioning.${name} = {
    bucket = "\${aws_s3_bucket.${name}.id}";
    versioning_configuration.status = "Enabled";
  };
  resource.aws_s3_bucket_public_access_block.${name} = {
    bucket = "\${aws_s3_bucket.${name}.id}";
    block_public_acls = true;
    block_public_policy = true;
    ignore_public_acls = true;
    restrict_public_buckets = true;
  };
  output."${name}_bucket".value = "\${aws_s3_bucket.${name}.bucket}";
}
