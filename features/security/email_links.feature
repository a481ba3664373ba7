Feature: Links in emails
  Activation and reset links carry long random tokens that reveal nothing and that the
  CRM keeps only as hashes; they are built from the CRM's configured address, and the
  pages they open leak nothing.

  @online @onsite @SEC-12 @needs-storage-audit
  Scenario: An activation token is long, random, reveals nothing and is stored only as a hash
    Given Ann has been sent an activation email
    Then the token in Ann's link carries at least 128 bits of randomness
    And the token reveals nothing about Ann
    And the target does not store Ann's token itself

  @online @SEC-14
  Scenario Outline: Reset links come from the configured address, whatever the request's <header> says
    Given Ann is an active user
    When Ann asks to reset the password, the browser's form arriving with the <header> header set to "evil.test"
    Then the "Reset password" link in the email for Ann leads to the CRM's own address

    Examples:
      | header           |
      | Host             |
      | X-Forwarded-Host |

  @online @onsite @SEC-14
  Scenario Outline: Activation links come from the configured address, whatever the request's <header> says
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada adds Ann as a user, the browser's form arriving with the <header> header set to "evil.test"
    Then the "Activate now" link in the email for Ann leads to the CRM's own address
    When Ada sends Ann the welcome email again
    Then the "Activate now" link in the email for Ann leads to the CRM's own address

    Examples:
      | header           |
      | Host             |
      | X-Forwarded-Host |

  @online @onsite @SEC-15
  Scenario: The page an activation link opens sends no referrer, loads nothing from elsewhere and hides the token
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    Then the "Activate now" link's pages were sent with Referrer-Policy no-referrer
    And the page loaded nothing from another site
    And the token of the "Activate now" link is no longer in the address bar

  @online @SEC-15
  Scenario: The page a reset link opens sends no referrer, loads nothing from elsewhere and hides the token
    Given Ann is an active user
    And Ann has asked to reset the password
    When Ann follows the "Reset password" link in the email
    Then the "Reset password" link's pages were sent with Referrer-Policy no-referrer
    And the page loaded nothing from another site
    And the token of the "Reset password" link is no longer in the address bar
