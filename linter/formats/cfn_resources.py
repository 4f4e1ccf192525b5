"""What CloudFormation resources hold: their policy-document properties and the shapes of
the values ``Ref`` and ``Fn::GetAtt`` return.

Property names follow the CloudFormation resource specification (the properties of type
``Json`` or a JSON string that take an IAM policy document). A path is a tuple of property
names; ``"*"`` stands for every item of a list (``Policies[*].PolicyDocument``).
"""

from __future__ import annotations

from linter.model import PolicyType

IDENTITY = PolicyType.IDENTITY
RESOURCE = PolicyType.RESOURCE
TRUST = PolicyType.TRUST
KMS_KEY = PolicyType.KMS_KEY

# resource type -> ((property path, policy type), ...)
POLICY_PROPERTIES: dict[str, tuple[tuple[tuple[str, ...], PolicyType | None], ...]] = {
    "AWS::IAM::Role": (
        (("AssumeRolePolicyDocument",), TRUST),
        (("Policies", "*", "PolicyDocument"), IDENTITY),
    ),
    "AWS::IAM::User": ((("Policies", "*", "PolicyDocument"), IDENTITY),),
    "AWS::IAM::Group": ((("Policies", "*", "PolicyDocument"), IDENTITY),),
    "AWS::IAM::Policy": ((("PolicyDocument",), IDENTITY),),
    "AWS::IAM::ManagedPolicy": ((("PolicyDocument",), IDENTITY),),
    "AWS::IAM::RolePolicy": ((("PolicyDocument",), IDENTITY),),
    "AWS::IAM::UserPolicy": ((("PolicyDocument",), IDENTITY),),
    "AWS::IAM::GroupPolicy": ((("PolicyDocument",), IDENTITY),),
    "AWS::SSO::PermissionSet": ((("InlinePolicy",), IDENTITY),),
    "AWS::KMS::Key": ((("KeyPolicy",), KMS_KEY),),
    "AWS::KMS::ReplicaKey": ((("KeyPolicy",), KMS_KEY),),
    "AWS::S3::BucketPolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::S3::AccessPoint": ((("Policy",), RESOURCE),),
    "AWS::S3::MultiRegionAccessPointPolicy": ((("Policy",), RESOURCE),),
    "AWS::S3ObjectLambda::AccessPointPolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::S3Express::BucketPolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::S3Express::AccessPoint": ((("Policy",), RESOURCE),),
    "AWS::S3Outposts::BucketPolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::S3Outposts::AccessPoint": ((("Policy",), RESOURCE),),
    "AWS::S3Tables::TableBucketPolicy": ((("ResourcePolicy",), RESOURCE),),
    "AWS::S3Tables::TablePolicy": ((("ResourcePolicy",), RESOURCE),),
    "AWS::SQS::QueuePolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::SQS::QueueInlinePolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::SNS::TopicPolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::SNS::TopicInlinePolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::SecretsManager::ResourcePolicy": ((("ResourcePolicy",), RESOURCE),),
    "AWS::ECR::Repository": ((("RepositoryPolicyText",), RESOURCE),),
    "AWS::ECR::PublicRepository": ((("RepositoryPolicyText",), RESOURCE),),
    "AWS::ECR::RegistryPolicy": ((("PolicyText",), RESOURCE),),
    "AWS::ECR::RepositoryCreationTemplate": ((("RepositoryPolicy",), RESOURCE),),
    "AWS::Logs::ResourcePolicy": ((("PolicyDocument",), RESOURCE),),
    "AWS::Logs::Destination": ((("DestinationPolicy",), RESOURCE),),
    "AWS::Events::EventBusPolicy": ((("Policy",), RESOURCE),),
    "AWS::Events::EventBus": ((("Policy",), RESOURCE),),
    "AWS::EC2::VPCEndpoint": ((("PolicyDocument",), PolicyType.VPC_ENDPOINT),),
    "AWS::OpenSearchService::Domain": ((("AccessPolicies",), RESOURCE),),
    "AWS::Elasticsearch::Domain": ((("AccessPolicies",), RESOURCE),),
    "AWS::EFS::FileSystem": ((("FileSystemPolicy",), RESOURCE),),
    "AWS::Backup::BackupVault": ((("AccessPolicy",), RESOURCE),),
    "AWS::Glacier::Vault": ((("AccessPolicy",), RESOURCE),),
    "AWS::ApiGateway::RestApi": (
        (("Policy",), RESOURCE),
        (("Body", "x-amazon-apigateway-policy"), RESOURCE),  # the OpenAPI definition's
    ),
    "AWS::ApiGateway::DomainNameV2": ((("Policy",), RESOURCE),),
    "AWS::CodeArtifact::Domain": ((("PermissionsPolicyDocument",), RESOURCE),),
    "AWS::CodeArtifact::Repository": ((("PermissionsPolicyDocument",), RESOURCE),),
    "AWS::DynamoDB::Table": (
        (("ResourcePolicy", "PolicyDocument"), RESOURCE),
        (("StreamSpecification", "ResourcePolicy", "PolicyDocument"), RESOURCE),
    ),
    "AWS::DynamoDB::GlobalTable": (
        (("Replicas", "*", "ResourcePolicy", "PolicyDocument"), RESOURCE),
        (
            ("Replicas", "*", "ReplicaStreamSpecification", "ResourcePolicy", "PolicyDocument"),
            RESOURCE,
        ),
    ),
    "AWS::Kinesis::ResourcePolicy": ((("ResourcePolicy",), RESOURCE),),
    "AWS::CloudTrail::ResourcePolicy": ((("ResourcePolicy",), RESOURCE),),
    "AWS::SSM::ResourcePolicy": ((("Policy",), RESOURCE),),
    "AWS::Lex::ResourcePolicy": ((("Policy",), RESOURCE),),
    "AWS::EventSchemas::RegistryPolicy": ((("Policy",), RESOURCE),),
    "AWS::NetworkFirewall::ResourcePolicy": ((("ResourcePolicy",), RESOURCE),),
    "AWS::VpcLattice::AuthPolicy": ((("Policy",), RESOURCE),),
    "AWS::VpcLattice::ResourcePolicy": ((("Policy",), RESOURCE),),
    "AWS::OAM::Sink": ((("Policy",), RESOURCE),),
    "AWS::MediaStore::Container": ((("Policy",), RESOURCE),),
    # AWS SAM
    "AWS::Serverless::Function": (
        (("AssumeRolePolicyDocument",), TRUST),
        (("Policies",), IDENTITY),
        (("Policies", "*"), IDENTITY),
    ),
    "AWS::Serverless::StateMachine": (
        (("Policies",), IDENTITY),
        (("Policies", "*"), IDENTITY),
    ),
    "AWS::Serverless::Api": (
        (("DefinitionBody", "x-amazon-apigateway-policy"), RESOURCE),
        (("Domain", "Policy"), RESOURCE),
    ),
}

# Properties that may hold a policy only when they are a policy document (SAM's Policies is
# also a managed policy name or a list of policy templates, which are not linted).
ONLY_DOCUMENTS = frozenset(("AWS::Serverless::Function", "AWS::Serverless::StateMachine"))

ORGANIZATIONS_POLICY = "AWS::Organizations::Policy"
ORGANIZATIONS_TYPES = {
    "SERVICE_CONTROL_POLICY": PolicyType.SCP,
    "RESOURCE_CONTROL_POLICY": PolicyType.RCP,
}
EVENT_BUS_POLICY = "AWS::Events::EventBusPolicy"

# Resources whose documents look like IAM policies but are not (IoT and Greengrass policies,
# OpenSearch Serverless policies, WAF rules): no policy detection in them.
NOT_IAM_PREFIXES = (
    "AWS::IoT::",
    "AWS::Greengrass",
    "AWS::OpenSearchServerless::",
    "AWS::WAF",  # WAF rules have a Statement of their own
)

# (resource type, attribute) -> (pattern, kind) for Fn::GetAtt
_ARN = "arn"
GETATT: dict[tuple[str, str], tuple[str, str]] = {
    ("AWS::IAM::Role", "Arn"): ("arn:*:iam::*:role/*", _ARN),
    ("AWS::IAM::Role", "RoleId"): ("AROA*", "string"),
    ("AWS::IAM::User", "Arn"): ("arn:*:iam::*:user/*", _ARN),
    ("AWS::IAM::Group", "Arn"): ("arn:*:iam::*:group/*", _ARN),
    ("AWS::IAM::InstanceProfile", "Arn"): ("arn:*:iam::*:instance-profile/*", _ARN),
    ("AWS::IAM::ManagedPolicy", "PolicyArn"): ("arn:*:iam::*:policy/*", _ARN),
    ("AWS::IAM::OIDCProvider", "Arn"): ("arn:*:iam::*:oidc-provider/*", _ARN),
    ("AWS::IAM::SAMLProvider", "Arn"): ("arn:*:iam::*:saml-provider/*", _ARN),
    ("AWS::S3::Bucket", "Arn"): ("arn:*:s3:::*", _ARN),
    ("AWS::S3::AccessPoint", "Arn"): ("arn:*:s3:*:*:accesspoint/*", _ARN),
    ("AWS::KMS::Key", "Arn"): ("arn:*:kms:*:*:key/*", _ARN),
    ("AWS::KMS::Key", "KeyId"): ("*", "string"),
    ("AWS::KMS::ReplicaKey", "Arn"): ("arn:*:kms:*:*:key/*", _ARN),
    ("AWS::SQS::Queue", "Arn"): ("arn:*:sqs:*:*:*", _ARN),
    ("AWS::SQS::Queue", "QueueName"): ("*", "name"),
    ("AWS::SNS::Topic", "TopicArn"): ("arn:*:sns:*:*:*", _ARN),
    ("AWS::SNS::Topic", "TopicName"): ("*", "name"),
    ("AWS::Lambda::Function", "Arn"): ("arn:*:lambda:*:*:function:*", _ARN),
    ("AWS::Serverless::Function", "Arn"): ("arn:*:lambda:*:*:function:*", _ARN),
    ("AWS::Lambda::LayerVersion", "LayerVersionArn"): ("arn:*:lambda:*:*:layer:*", _ARN),
    ("AWS::DynamoDB::Table", "Arn"): ("arn:*:dynamodb:*:*:table/*", _ARN),
    ("AWS::DynamoDB::Table", "StreamArn"): ("arn:*:dynamodb:*:*:table/*/stream/*", _ARN),
    ("AWS::DynamoDB::GlobalTable", "Arn"): ("arn:*:dynamodb:*:*:table/*", _ARN),
    ("AWS::Serverless::SimpleTable", "Arn"): ("arn:*:dynamodb:*:*:table/*", _ARN),
    ("AWS::Logs::LogGroup", "Arn"): ("arn:*:logs:*:*:log-group:*", _ARN),
    ("AWS::Kinesis::Stream", "Arn"): ("arn:*:kinesis:*:*:stream/*", _ARN),
    ("AWS::KinesisFirehose::DeliveryStream", "Arn"): ("arn:*:firehose:*:*:deliverystream/*", _ARN),
    ("AWS::StepFunctions::StateMachine", "Arn"): ("arn:*:states:*:*:stateMachine:*", _ARN),
    ("AWS::Serverless::StateMachine", "Arn"): ("arn:*:states:*:*:stateMachine:*", _ARN),
    ("AWS::Events::EventBus", "Arn"): ("arn:*:events:*:*:event-bus/*", _ARN),
    ("AWS::Events::Rule", "Arn"): ("arn:*:events:*:*:rule/*", _ARN),
    ("AWS::ECR::Repository", "Arn"): ("arn:*:ecr:*:*:repository/*", _ARN),
    ("AWS::CloudTrail::Trail", "Arn"): ("arn:*:cloudtrail:*:*:trail/*", _ARN),
    ("AWS::Cognito::UserPool", "Arn"): ("arn:*:cognito-idp:*:*:userpool/*", _ARN),
    ("AWS::SecretsManager::Secret", "Id"): ("arn:*:secretsmanager:*:*:secret:*", _ARN),
    ("AWS::CodeCommit::Repository", "Arn"): ("arn:*:codecommit:*:*:*", _ARN),
    ("AWS::CodeBuild::Project", "Arn"): ("arn:*:codebuild:*:*:project/*", _ARN),
    ("AWS::Glue::Database", "Arn"): ("arn:*:glue:*:*:database/*", _ARN),
    ("AWS::EFS::FileSystem", "Arn"): ("arn:*:elasticfilesystem:*:*:file-system/*", _ARN),
    ("AWS::EFS::AccessPoint", "Arn"): ("arn:*:elasticfilesystem:*:*:access-point/*", _ARN),
    ("AWS::OpenSearchService::Domain", "Arn"): ("arn:*:es:*:*:domain/*", _ARN),
    ("AWS::Elasticsearch::Domain", "Arn"): ("arn:*:es:*:*:domain/*", _ARN),
    ("AWS::Elasticsearch::Domain", "DomainArn"): ("arn:*:es:*:*:domain/*", _ARN),
    ("AWS::OpenSearchService::Domain", "DomainArn"): ("arn:*:es:*:*:domain/*", _ARN),
    ("AWS::Backup::BackupVault", "BackupVaultArn"): ("arn:*:backup:*:*:backup-vault:*", _ARN),
    ("AWS::ApiGateway::RestApi", "RootResourceId"): ("*", "string"),
}

# resource type -> (pattern, kind) for Ref
REF: dict[str, tuple[str, str]] = {
    "AWS::IAM::Role": ("*", "name"),
    "AWS::IAM::User": ("*", "name"),
    "AWS::IAM::Group": ("*", "name"),
    "AWS::IAM::InstanceProfile": ("*", "name"),
    "AWS::IAM::ManagedPolicy": ("arn:*:iam::*:policy/*", _ARN),
    "AWS::IAM::OIDCProvider": ("arn:*:iam::*:oidc-provider/*", _ARN),
    "AWS::IAM::SAMLProvider": ("arn:*:iam::*:saml-provider/*", _ARN),
    "AWS::S3::Bucket": ("*", "name"),
    "AWS::KMS::Key": ("*", "string"),
    "AWS::KMS::Alias": ("alias/*", "name"),
    "AWS::SQS::Queue": ("https://*", "string"),
    "AWS::SNS::Topic": ("arn:*:sns:*:*:*", _ARN),
    "AWS::Lambda::Function": ("*", "name"),
    "AWS::Serverless::Function": ("*", "name"),
    "AWS::DynamoDB::Table": ("*", "name"),
    "AWS::Serverless::SimpleTable": ("*", "name"),
    "AWS::Logs::LogGroup": ("*", "name"),
    "AWS::Kinesis::Stream": ("*", "name"),
    "AWS::SecretsManager::Secret": ("arn:*:secretsmanager:*:*:secret:*", _ARN),
    "AWS::StepFunctions::StateMachine": ("arn:*:states:*:*:stateMachine:*", _ARN),
    "AWS::Serverless::StateMachine": ("arn:*:states:*:*:stateMachine:*", _ARN),
    "AWS::Events::EventBus": ("*", "name"),
    "AWS::ECR::Repository": ("*", "name"),
    "AWS::EC2::VPC": ("vpc-*", "string"),
    "AWS::EC2::VPCEndpoint": ("vpce-*", "string"),
    "AWS::EC2::SecurityGroup": ("sg-*", "string"),
    "AWS::EC2::Subnet": ("subnet-*", "string"),
    "AWS::SSM::Parameter": ("*", "name"),
    "AWS::CloudTrail::Trail": ("*", "name"),
    "AWS::Cognito::UserPool": ("*", "string"),
    "AWS::OpenSearchService::Domain": ("*", "name"),
    "AWS::Elasticsearch::Domain": ("*", "name"),
    "AWS::Backup::BackupVault": ("*", "name"),
    "AWS::EFS::FileSystem": ("fs-*", "string"),
}

# pseudo parameter -> (pattern, kind)
PSEUDO: dict[str, tuple[str, str | None]] = {
    "AWS::AccountId": ("*", "account-id"),
    "AWS::Region": ("*", "string"),
    "AWS::Partition": ("*", "string"),
    "AWS::URLSuffix": ("*", "string"),
    "AWS::StackName": ("*", "name"),
    "AWS::StackId": ("arn:*:cloudformation:*:*:stack/*", _ARN),
    "AWS::NotificationARNs": ("*", None),
}
