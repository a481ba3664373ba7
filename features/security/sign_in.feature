Feature: Failed sign-ins, enumeration and guessing
  A failed sign-in tells nobody whether the user exists, whatever the reason, by its
  words, status, cookies, redirect or timing; and guessing one account's password is
  slowed down without trusting the client's claimed address.

  @online @onsite @SEC-7
  Scenario: Every kind of failed sign-in gets the same answer
    Given Ann is an active user
    And Ben has been added as a user but has not activated the account
    And Cid is a user whose account is disabled
    When sign-ins fail for a wrong password, an unknown user ID, a user who has not activated, and a disabled user
    Then the four answers have the same text, status, cookies and redirect

  @online @onsite @SEC-7 @LOGIN-4
  Scenario: The Settings and maintenance login refuses a wrong password, an unknown user and a role without access alike
    Given Ada is an administrator
    And Ann is an active user with the role Standard user
    When Settings and maintenance sign-ins fail for a wrong password, an unknown user ID, and a role without access
    Then the three answers have the same text, status, cookies and redirect

  @online @onsite @SEC-8
  Scenario: The time of a failed sign-in does not tell whether the user exists
    Given Ann is an active user
    When wrong passwords are tried for Ann, one fewer time than would lock her out, and as many times for user IDs nobody has
    Then the answers for unknown user IDs take about as long as those for real accounts

  @online @onsite @SEC-9 @needs-clock-control
  Scenario: Repeated failures for one account are throttled, whatever address the client claims
    Given Ann is an active user
    When as many wrong passwords as the lockout allows are tried for Ann, each claiming another X-Forwarded-For
    And Ann logs in with the user ID and password
    Then Ann is refused with the generic login message
    When the lockout passes
    And another second passes
    And Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann
