Feature: Forgot your password?
  Online, the login screen's Forgot your password? link asks for the email address
  and Reset Password sends an email that lets the user choose a new password. Onsite
  there is no self-service: the CRM administrator sets a new password in the Users
  screen. Either way, a new password ends the user's other sessions.

  @online @PWD-1 @PWD-2
  Scenario: Online, a forgotten password is replaced through an emailed link
    Given Ann is an active user
    When Ann asks to reset the password from the login screen
    Then Ann is told to look for an email
    And an email with a "Reset password" link arrives for Ann
    When Ann follows the "Reset password" link in the email
    Then Ann is asked to choose a new password for Ann's own user ID
    When Ann chooses a new password and confirms it
    Then the login screen tells Ann that the password has changed
    When Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann
    And Ann's old password no longer works

  @online @PWD-2 @SEC-3
  Scenario Outline: The new password follows the same rules as at activation
    Given Ann is an active user
    And Ann has asked to reset the password
    When Ann follows the "Reset password" link in the email
    And Ann tries to create the password <password>
    Then the password is refused because <reason>

    Examples:
      | password                               | reason                           |
      | one character shorter than the minimum | it is too short                  |
      | "password1"                            | it is too weak                   |
      | Ann's email address                    | it is built on the email address |

  @online @PWD-3
  Scenario: The answer is the same for an address nobody has, and no email goes to it
    Given Ann is an active user
    When Zed asks to reset the password of an address nobody has
    And Ann asks to reset the password from the login screen
    Then Zed and Ann are told the same thing
    And an email with a "Reset password" link arrives for Ann
    And no email went to Zed's address

  @online @PWD-3 @SEC-10
  Scenario: Past the email limit, the answer is still the same for an address nobody has
    Given Ann is an active user
    When Ann asks to reset the password once more than the email limit allows
    And Zed asks to reset the password of an address nobody has, as often
    Then Zed and Ann are told the same thing

  @online @PWD-4 @SEC-13
  Scenario: A reset link works only once
    Given Ann is an active user
    And Ann has asked to reset the password
    When Ann follows the "Reset password" link in the email
    And Ann chooses a new password and confirms it
    And Ann follows the "Reset password" link in the email again
    Then Ann is told that the link has already been used

  @online @PWD-4 @needs-clock-control
  Scenario: A reset link works until its lifetime has passed
    Given Ann is an active user
    And Ann has asked to reset the password
    When the reset link's lifetime passes but for a second
    And Ann follows the "Reset password" link in the email
    Then Ann is asked to choose a new password for Ann's own user ID
    When two more seconds pass
    And Ann follows the "Reset password" link in the email
    Then Ann is told that the link has expired

  @online @PWD-4
  Scenario Outline: A tampered reset link is refused: <changed>
    Given Ann is an active user
    And Ann has asked to reset the password
    When Ann opens the "Reset password" link <changed>
    Then Ann is told that the link is not valid

    Examples:
      | changed                                      |
      | with one character changed                   |
      | with its first character changed             |
      | with the token cut short                     |
      | with characters added to the token           |
      | with the token's letters in the other case   |
      | with a token nobody was sent                 |

  @online @PWD-2
  Scenario: A new password whose confirmation differs is refused, and the old one still works
    Given Ann is an active user
    And Ann has asked to reset the password
    When Ann follows the "Reset password" link in the email
    And Ann tries to create a password with a confirmation that differs
    Then the password is refused because the passwords do not match
    When Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann

  @online @PWD-4 @SEC-13
  Scenario: A newer reset email makes the older link useless
    Given Ann is an active user
    And Ann has asked to reset the password
    And Ann has asked to reset the password
    When Ann opens the "Reset password" link of the first email
    Then Ann is told that the link has already been used
    When Ann follows the "Reset password" link in the email
    Then Ann is asked to choose a new password for Ann's own user ID

  @online @SEC-10 @needs-clock-control
  Scenario: Reset emails to one address are limited, until the limit's window has passed
    Given Ann is an active user
    When Ann asks to reset the password once more than the email limit allows
    And the email window passes but for a second
    And Ann asks to reset the password from the login screen
    And another second passes
    And Ann asks to reset the password from the login screen
    Then Ann receives one reset email more than the limit allows, and the last of them works

  @online @PWD-3
  Scenario: The answer to a reset request does not wait for the email to go out
    Given Ann is an active user
    And the mail server is slow to accept email for Ann
    When Ann asks to reset the password from the login screen
    Then Ann is told to look for an email before the mail server has accepted it
    And an email with a "Reset password" link arrives for Ann

  @online @SEC-16
  Scenario: Asking for a reset changes nothing until the link is used
    Given Ann is logged in to the CRM
    And Ann has asked to reset the password
    Then Ann is still signed in
    And Ann can still log in with the old password

  @online @SEC-16 @SEC-9 @PWD-2
  Scenario: Asking for a reset leaves a lockout in place; the reset itself lifts it
    Given Ann is an active user
    When as many wrong passwords as the lockout allows are tried for Ann, each claiming another X-Forwarded-For
    And Ann asks to reset the password from the login screen
    Then an email with a "Reset password" link arrives for Ann
    When Ann logs in with the user ID and password
    Then Ann is refused with the generic login message
    When Ann follows the "Reset password" link in the email
    And Ann chooses a new password and confirms it
    And Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann

  @onsite @PWD-5
  Scenario: Onsite, the user asks the administrator, who sets a new password in the Users screen
    Given Ann is an active user
    And Ada is an administrator
    When Ann selects Forgot your password? on the login screen
    Then Ann is told to contact the CRM administrator
    And Ann is not offered an email reset
    When Ada sets a new password for Ann in the Users screen
    And Ann logs in with the user ID and the new password from Ada
    Then the CRM main screen opens for Ann
    And Ann's old password no longer works

  @online @PWD-6 @SEC-17
  Scenario: A reset ends the user's Settings and maintenance session too
    Given Ann is an administrator
    And Ann is logged in to Settings and maintenance
    And Ann has asked to reset the password
    When Ann follows the "Reset password" link in the email in a second browser
    And Ann chooses a new password and confirms it in the second browser
    Then Ann's first browser is no longer signed in to Settings and maintenance

  @online @PWD-6 @SEC-17
  Scenario: Online, a reset ends the user's other sessions and is confirmed by email
    Given Ann has logged in to the CRM with the user ID and password
    And Ann has asked to reset the password
    When Ann follows the "Reset password" link in the email in a second browser
    And Ann chooses a new password and confirms it in the second browser
    Then Ann's first browser is no longer signed in
    And an email arrives for Ann saying the password was changed

  @onsite @PWD-6
  Scenario: Onsite, a password set by the administrator ends the user's sessions
    Given Ann is logged in to the CRM
    And Ada is an administrator
    When Ada sets a new password for Ann in the Users screen
    Then Ann's first browser is no longer signed in

  @online @SSO-7
  Scenario Outline: A single sign-on user asking for a reset is sent to <provider> and the company's IT
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    When Ann asks to reset the password from the login screen
    Then an email arrives for Ann saying the password is managed by <provider>
    And the email has no link to reset a CRM password

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |
