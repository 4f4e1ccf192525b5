"""AWS's own example policies from ../shared/docs/domain.md §4, verbatim, shared by the tests.

Each is quoted exactly as AWS publishes it (including the bugs domain.md describes), so every test
that asserts what iamlint says about AWS's examples reads the same text.
"""

# ruff: noqa: E501  (verbatim AWS text)

EXAMPLE_4_1 = """\
{
  "Version": "2012-10-17",
  "Statement": [
      {
          "Effect": "Allow",
          "Principal": {
              "AWS": "arn:aws:iam::111122223333:role/ExampleRole"
          },
          "Action": [
              "kms:Decrypt",
              "kms:DescribeKey",
              "kms:Encrypt",
              "kms:GenerateDataKey*",
              "kms:ReEncrypt*"
          ],
          "Resource": "*",
          "Condition": {
              "StringEquals": {
                  "kms:EncryptionContext:color":"indigoBlue"
              }
           }
        }
   ]
}
"""

EXAMPLE_4_2 = """\
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::111122223333:role/ExampleRole"},
  "Action": ["kms:Decrypt"], "Resource": "arn:aws:kms:us-west-2:111122223333:key/KMS-Example-KeyId"}]}
"""

EXAMPLE_4_3 = """\
{
   "Version":"2012-10-17",
   "Statement":[
      {
         "Sid": "AllowAccessForKeyAdministrators",
         "Effect": "Allow",
         "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
         "Action": [ "kms:*" ],
         "Resource": "*"
      },
      {
         "Sid": "AllowAccessToResourceAccessRoleForMedicalScribe",
         "Effect": "Allow",
         "Principal": { "AWS": "arn:aws:iam::111122223333:role/ResourceAccessRole" },
         "Action": [ "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*" ],
         "Resource": "*",
         "Condition": {
            "StringEquals": {
                "kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id": "1234abcd-12ab-34cd-56ef-123456SAMPLE"
            }
         }
      },
      {
         "Sid": "AllowAccessToResourceAccessRoleForDescribeKey",
         "Effect": "Allow",
         "Principal": { "AWS": "arn:aws:iam::111122223333:role/ResourceAccessRole" },
         "Action": "kms:DescribeKey",
         "Resource": "*"
     }
   ]
}
"""

EXAMPLE_4_4 = """\
{
    "Version":"2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [ "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*" ],
            "Resource": "arn:aws:kms:us-west-2:111122223333:key/KMS-Example-KeyId",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": "transcribe.streaming.amazonaws.com",
                    "kms:EncryptionContext:aws:us-east-1:transcribe:medical-scribe:session-id": "1234abcd-12ab-34cd-56ef-123456SAMPLE"
                }
            }
        },
        {
            "Effect": "Allow",
            "Action": [ "kms:DescribeKey" ],
            "Resource": "arn:aws:kms:us-west-2:111122223333:key/KMS-Example-KeyId",
            "Condition": { "StringEquals": { "kms:ViaService": "transcribe.streaming.amazonaws.com" } }
        }
    ]
}
"""

EXAMPLE_4_5 = """\
{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ListTranscriptionJobsInConsole",
            "Effect": "Allow",
            "Action": "transcribe:ListTranscriptionJobs",
            "Resource": "*"
        },
        {
            "Sid": "ViewTranscriptionJobsIfOwner",
            "Effect": "Allow",
            "Action": "transcribe:GetTranscriptionJobs",
            "Resource": "arn:aws:transcribe:*:*:transcription-job/*",
            "Condition": {
                "StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}
            }
        }
    ]
}
"""

EXAMPLE_4_6 = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "transcribe.amazonaws.com"
      },
      "Action": [
        "sts:AssumeRole",
      ],
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "111122223333"
        },
        "StringLike": {
          "aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"
        }
      }
    }
  ]
}
"""

EXAMPLE_4_7 = """\
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"Service": ["transcribe.amazonaws.com"]},
  "Action": ["sts:AssumeRole"],
  "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                "StringLike": {"aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*"}}}]}
"""

EXAMPLE_4_8 = """\
{
    "Version":"2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": { "Service": "transcribe.streaming.amazonaws.com" },
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": { "aws:SourceAccount": "111122223333" },
                "ArnLike": { "aws:SourceArn": "arn:aws:transcribe:us-west-2:111122223333:*" }
            }
        }
    ]
}
"""

# §4.8 negative variant: the same trust policy without its Condition.
EXAMPLE_4_8_WITHOUT_CONDITION = """\
{
    "Version":"2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": { "Service": "transcribe.streaming.amazonaws.com" },
            "Action": "sts:AssumeRole"
        }
    ]
}
"""

EXAMPLE_4_10_INPUT = """\
{"Version": "2012-10-17", "Statement": \
{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],\
"Resource":["arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET","arn:aws:s3:::DOC-EXAMPLE-INPUT-BUCKET/*"]}}
"""

EXAMPLE_4_10_OUTPUT = """\
{"Version": "2012-10-17", "Statement": \
{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["arn:aws:s3:::DOC-EXAMPLE-OUTPUT-BUCKET/*"]}}
"""
