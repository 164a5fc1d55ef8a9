-- A domain-scoped token names its domain; project-scoped and unscoped tokens leave it NULL. Without
-- it a domain-scoped token could not be told from an unscoped one when it is validated.
ALTER TABLE `identity_tokens`
    ADD COLUMN `domain_id` VARCHAR(64) NULL AFTER `project_id`;
