Feature: Activate account
  After an administrator adds a user, the user gets an email asking them to activate
  the account. For a company that uses CRM passwords, Activate now leads to a screen
  where the user sets a password of their own while an indicator says how strong it is;
  then the user is inside the CRM, and from then on signs in with that password.

  @online @onsite @ACT-1 @ACT-3 @ACT-6 @SAM-6
  Scenario: A new user activates the account with a password of their own
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada adds Ann as a user with the role Standard user
    Then an email with an "Activate now" link arrives for Ann
    When Ann follows the "Activate now" link in the email
    Then Ann is asked to create a password for Ann's own user ID
    When Ann creates the password and confirms it
    Then the CRM main screen opens for Ann

  @online @onsite @ACT-2 @needs-clock-control
  Scenario: The activation link works until its lifetime has passed, and says how long that is
    Given Ann has been sent an activation email
    Then the email says how many hours the link works
    When the activation link's lifetime passes but for a second
    And Ann follows the "Activate now" link in the email
    Then Ann is asked to create a password for Ann's own user ID
    When two more seconds pass
    And Ann follows the "Activate now" link in the email
    Then Ann is told that the link has expired
    And Ann is offered a way to contact support

  @online @onsite @ACT-4
  Scenario: The strength indicator follows the password as it is typed
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann types the password "password1"
    Then the strength indicator says the password is weak
    When Ann types the password "krvnt plmbx zwqtr hjkls 48"
    Then the strength indicator says the password is strong

  @online @onsite @ACT-4 @ACT-5 @SEC-4
  Scenario Outline: What the indicator rates weak, the CRM refuses: <password>
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann types the password "<password>"
    Then the strength indicator says the password is weak
    When Ann tries to create the password "<password>"
    Then the password is refused because it is too weak

    Examples:
      | password                  |
      | qwerty123456              |
      | passwordpasswordpassword1 |

  @online @onsite @ACT-5 @SEC-3
  Scenario Outline: A password that is too weak is refused with the reason, and nothing changes
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann tries to create the password <password>
    Then the password is refused because <reason>
    And Ann has still not activated the account
    When Ann creates the password and confirms it
    Then the CRM main screen opens for Ann

    Examples:
      | password                                        | reason                           |
      | one character shorter than the minimum          | it is too short                  |
      | "password1"                                     | it is too weak                   |
      | "password1password1password1"                   | it is too weak                   |
      | Ann's email address                             | it is built on the email address |

  @online @onsite @ACT-5
  Scenario: The target's minimum length holds on both sides of it
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann tries to create the password one character shorter than the minimum
    Then the password is refused because it is too short
    When Ann tries to create the password of exactly the minimum length
    Then the password is not refused for its length

  @online @onsite @ACT-7 @LOGIN-6
  Scenario: After activation the user signs in with the new password
    Given Ann has been sent an activation email
    When Ann logs in with the user ID and password
    Then Ann is refused with the generic login message
    When Ann follows the "Activate now" link in the email
    And Ann creates the password and confirms it
    And Ann selects Log out in the Personal settings menu
    And Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann

  @online @onsite @ACT-8
  Scenario: The activation screen offers a way to contact support
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    Then Ann is offered a way to contact support
    And Ann can go back to the login screen

  @online @onsite @ACT-9 @SEC-13
  Scenario: An activation link works only once
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann creates the password and confirms it
    And Ann follows the "Activate now" link in the email again
    Then Ann is told that the link has already been used
    And Ann is offered a way to contact support

  @online @onsite @ACT-9
  Scenario Outline: A tampered or unknown activation link is refused and changes nothing: <changed>
    Given Ann has been sent an activation email
    When Ann opens the "Activate now" link <changed>
    Then Ann is told that the link is not valid
    And Ann is offered a way to contact support
    When Ann follows the "Activate now" link in the email
    Then Ann is asked to create a password for Ann's own user ID

    Examples:
      | changed                                      |
      | with one character changed                   |
      | with its first character changed             |
      | with the token cut short                     |
      | with characters added to the token           |
      | with the token's letters in the other case   |
      | with a token nobody was sent                 |

  @online @onsite @ACT-3
  Scenario: A confirmation that differs from the password is refused, and nothing changes
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann tries to create a password with a confirmation that differs
    Then the password is refused because the passwords do not match
    And Ann has still not activated the account
