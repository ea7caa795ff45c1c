package com.sandboxbroker.cdk;

import software.amazon.awscdk.CfnDeletionPolicy;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.IAspect;
import software.amazon.awscdk.services.dynamodb.CfnTable;
import software.amazon.awscdk.services.secretsmanager.CfnSecret;
import software.constructs.IConstruct;

/**
 * What a stage keeps when it goes away, applied to every resource of the stack (including those
 * later issues add) rather than construct by construct.
 *
 * <ul>
 *   <li>A long-lived stage: Retain becomes RetainExceptOnCreate. The table, bucket and key survive
 *       a stack deletion as before, but a FIRST deploy that fails late rolls them back with it, so
 *       the retry does not meet a table of the same name left over from the failed attempt.
 *   <li>A preview: nothing is retained, the table has no deletion protection, and secrets get
 *       generated names (a deleted secret's name stays reserved for its recovery window, which
 *       would block re-creating a preview of the same name for up to 30 days).
 * </ul>
 */
final class RetentionAspect implements IAspect {
  private final boolean preview;

  RetentionAspect(boolean preview) {
    this.preview = preview;
  }

  @Override
  public void visit(IConstruct node) {
    if (!(node instanceof CfnResource resource)) {
      return;
    }
    CfnDeletionPolicy policy = resource.getCfnOptions().getDeletionPolicy();
    boolean retained =
        policy == CfnDeletionPolicy.RETAIN || policy == CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
    if (preview) {
      if (retained) {
        resource.getCfnOptions().setDeletionPolicy(CfnDeletionPolicy.DELETE);
        resource.getCfnOptions().setUpdateReplacePolicy(CfnDeletionPolicy.DELETE);
      }
      if (resource instanceof CfnTable table) {
        table.setDeletionProtectionEnabled(false);
      }
      if (resource instanceof CfnSecret secret) {
        secret.setName(null);
      }
    } else if (policy == CfnDeletionPolicy.RETAIN) {
      resource.getCfnOptions().setDeletionPolicy(CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE);
    }
  }
}
