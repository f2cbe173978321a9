/**
 * The one SNS topic every alarm of the stack notifies, so an alarm reaches a person and not
 * only the console: a topic of its own (encrypted with a key CloudWatch may use, TLS only),
 * or an existing one by ARN; either way with an optional email subscription.
 *
 * Why a customer-managed key: CloudWatch alarms cannot publish to a topic encrypted with the
 * AWS-managed `aws/sns` key (its policy cannot name cloudwatch.amazonaws.com).
 */
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Complete ARN of an existing topic to notify instead of creating one. @default a new topic */
  existingTopicArn?: string;
  /** An address to subscribe (it must confirm the subscription by mail). @default none */
  email?: string;
}

export class AlarmTopic extends Construct {
  readonly topic: sns.ITopic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    if (props.existingTopicArn) {
      this.topic = sns.Topic.fromTopicArn(this, 'Topic', props.existingTopicArn);
    } else {
      const key = new kms.Key(this, 'Key', {
        description: `${Stack.of(this).stackName}: encrypts the alarm topic; CloudWatch alarms may use it`,
        enableKeyRotation: true,
      });
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }));
      this.topic = new sns.Topic(this, 'Topic', {
        displayName: `${Stack.of(this).stackName} alarms`,
        masterKey: key,
        enforceSSL: true,
      });
    }
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    this.action = new actions.SnsAction(this.topic);
  }

  /** The alarm notifies the topic when it goes into ALARM and when it recovers. */
  notify(...alarms: cloudwatch.Alarm[]): void {
    for (const alarm of alarms) {
      alarm.addAlarmAction(this.action);
      alarm.addOkAction(this.action);
    }
  }
}
