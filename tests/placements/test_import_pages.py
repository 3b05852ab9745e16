"""The upload page: choose the kind, upload, preview what would change, confirm; the same code as the commands."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements import access, import_views
from placements.models import Child, Episode, ImportRecord, ImportUpload, Placement

pytestmark = pytest.mark.django_db

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"


def return_files(children: int = 2, bad: tuple[str, ...] = ()):
    header = [HEADER] + [f"K{i:04d},1,15/06/2010,WBRI,,," for i in range(children)]
    episodes = [EPISODES] + [f"K{i:04d},01/01/2020,S,C2,N1,U4,PR1,,,,,," for i in range(children)] + list(bad)
    return [SimpleUploadedFile("header.csv", "\n".join(header).encode(), content_type="text/csv"),
            SimpleUploadedFile("episodes.csv", "\n".join(episodes).encode(), content_type="text/csv")]


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def upload(client, files, kind="ssda903"):
    return client.post(reverse("import_upload"), {"kind": kind, "files": files})


def test_only_commissioning_managers_may_import(client, django_user_model):
    for group, status in [(access.COMMISSIONING_MANAGER, 200), (access.PLACEMENTS_OFFICER, 403),
                          (access.SENIOR_MANAGER, 403), (access.PANEL_CHAIR, 403), (access.PANEL_MEMBER, 403)]:
        user = django_user_model.objects.create_user(username=f"u-{group}")
        user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        assert client.get(reverse("import_upload")).status_code == status, group
        assert client.post(reverse("import_upload"), {"kind": "ssda903", "files": return_files()}).status_code in (
            status, 302 if status == 200 else status), group


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("import_upload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_data_link_is_in_the_navigation_for_those_who_may_import(client, manager, officer):
    client.force_login(manager)
    assert 'href="/imports/"' in client.get(reverse("home")).content.decode()
    client.force_login(officer)
    assert 'href="/imports/"' not in client.get(reverse("home")).content.decode()


def test_upload_then_preview_then_confirm_imports_the_files(manager_client):
    response = upload(manager_client, return_files())
    assert response.status_code == 302
    preview = manager_client.get(response.url)
    page = preview.content.decode()
    assert "Check the changes before importing" in page
    assert '<th scope="row" class="govuk-table__header">Placements</th>' in page
    assert "Import these changes" in page
    assert not Child.objects.exists()  # a preview writes nothing

    token = response.url.rstrip("/").split("/")[-1]
    confirmed = manager_client.post(reverse("import_confirm", args=[token]), follow=True)
    assert confirmed.redirect_chain[-1][0] == reverse("data_quality")
    message = confirmed.content.decode()
    # Each record type counted on its own, not one sum over all of them.
    assert ("SSDA903 return imported. Children: 2 new, 0 changed, 0 unchanged; Placements: 2 new, 0 changed, "
            "0 unchanged; Episodes: 2 new, 0 changed, 0 unchanged; Legal status periods: 2 new") in message
    assert (Child.objects.count(), Placement.objects.count(), Episode.objects.count()) == (2, 2, 2)
    assert not ImportUpload.objects.exists()


def test_a_file_with_bad_rows_lists_each_and_cannot_be_imported(manager_client):
    response = upload(manager_client, return_files(bad=("K0001,31/02/2020,S,C2,N1,Q9,PR1,,,,,,",
                                                        "K0009,01/02/2020,S,C2,N1,U4,PR1,,,,,,")))
    page = manager_client.get(response.url).content.decode()
    assert "govuk-error-summary" in page and "Nothing has been imported" in page
    assert '<th scope="col" class="govuk-table__header">Why it cannot be imported</th>' in page
    for text in ("episodes.csv", ">4<", "DECOM", "31/02/2020", "is not a real date", "Q9", "is not an SSDA903 PLACE code",
                 ">5<", "K0009", "is not in the header file"):
        assert text in page
    assert "Import these changes" not in page
    token = response.url.rstrip("/").split("/")[-1]
    manager_client.post(reverse("import_confirm", args=[token]))  # even if asked
    assert not Child.objects.exists()
    csv_rows = manager_client.get(reverse("import_errors", args=[token])).content.decode().splitlines()
    assert csv_rows[0] == "file,return,line,CHILD,column,value,reason" and len(csv_rows) == 4
    # Each bad row names the CHILD and the return its file is, on the page and in the download.
    assert "episodes.csv,the 2019/20 return,4,K0001,DECOM,31/02/2020,is not a real date." in csv_rows
    assert "the 2019/20 return" in page and ">K0001<" in page


def test_files_of_the_same_name_are_told_apart_by_their_place_in_the_upload(manager_client):
    year_two = [SimpleUploadedFile("header.csv", f"{HEADER}\nK0000,1,15/06/2010,WBRI,,,\n".encode()),
                SimpleUploadedFile("episodes.csv", f"{EPISODES}\nK0000,01/01/2021,P,C2,N1,U4,PR1,,,,,,\n"
                                                   "K0000,01/02/2021,S,C2,N1,Q9,PR1,,,,,,\n".encode())]
    response = upload(manager_client, return_files() + year_two)
    page = manager_client.get(response.url).content.decode()
    assert "episodes.csv (file 4 of 4)" in page and "the 2020/21 return" in page
    token = response.url.rstrip("/").split("/")[-1]
    csv_rows = manager_client.get(reverse("import_errors", args=[token])).content.decode().splitlines()
    assert csv_rows[1] == ("episodes.csv (file 4 of 4),the 2020/21 return,3,K0000,PLACE,Q9,"
                           "is not an SSDA903 PLACE code.")


def test_a_file_of_the_wrong_kind_says_which_columns_were_expected(manager_client):
    wrong = SimpleUploadedFile("children.csv", b"NAME,AGE\nSam,12\n", content_type="text/csv")
    page = manager_client.get(upload(manager_client, [wrong]).url).content.decode()
    assert "Expected the columns of Header: CHILD, SEX, DOB" in page


@pytest.mark.parametrize("data, message", [
    ({"files": return_files()}, "Choose what you are importing."),
    ({"kind": "ssda903"}, "Choose the files to import."),
    ({"kind": "ssda903", "files": [SimpleUploadedFile("return.xlsx", b"PK\x03\x04")]}, "return.xlsx is not a CSV file"),
])
def test_the_upload_form_explains_what_is_missing(manager_client, data, message):
    response = manager_client.post(reverse("import_upload"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page and message in page
    assert not ImportUpload.objects.exists()


def test_files_over_the_size_limit_are_refused(manager_client, monkeypatch):
    monkeypatch.setattr(import_views, "MAX_UPLOAD_BYTES", 100)
    response = upload(manager_client, return_files(children=10))
    assert "larger than 20 MB" in response.content.decode()


def test_an_upload_is_only_for_the_person_who_made_it(manager_client, django_user_model):
    token = upload(manager_client, return_files()).url.rstrip("/").split("/")[-1]
    other = django_user_model.objects.create_user(username="other-manager")
    other.groups.add(Group.objects.get(name=access.COMMISSIONING_MANAGER))
    manager_client.force_login(other)
    assert manager_client.get(reverse("import_preview", args=[token])).status_code == 404
    refused = manager_client.post(reverse("import_confirm", args=[token]), follow=True)
    assert "That upload is no longer here" in refused.content.decode()
    assert not Child.objects.exists()


def test_confirming_twice_imports_once_and_then_explains(manager_client):
    token = upload(manager_client, return_files()).url.rstrip("/").split("/")[-1]
    manager_client.post(reverse("import_confirm", args=[token]))
    again = manager_client.post(reverse("import_confirm", args=[token]), follow=True)
    record = ImportRecord.objects.get()
    assert again.redirect_chain[-1][0] == reverse("import_record", args=[record.pk])
    assert "Those files were imported on" in again.content.decode()
    assert Child.objects.count() == 2


def test_an_upload_that_is_gone_is_explained(manager_client):
    again = manager_client.post(reverse("import_confirm", args=["no-such-token"]), follow=True)
    assert again.redirect_chain[-1][0] == reverse("import_upload")
    assert "That upload is no longer here" in again.content.decode()


def test_back_to_a_confirmed_preview_says_it_was_imported_when_and_by_whom(manager_client, manager):
    preview_url = upload(manager_client, return_files()).url
    first = manager_client.get(preview_url)
    assert "no-store" in first["Cache-Control"]  # Back asks the server again rather than showing the old page
    manager_client.post(reverse("import_confirm", args=[preview_url.rstrip("/").split("/")[-1]]))
    page = manager_client.get(preview_url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "These files have been imported" in text and "Nothing has been imported yet" not in text
    assert manager.get_username() in text or manager.get_full_name() in text
    assert f"{timezone.localtime(ImportRecord.objects.get().imported_at):%-d %B %Y}" in text


def test_a_new_upload_replaces_the_earlier_one(manager_client):
    upload(manager_client, return_files())
    upload(manager_client, return_files())
    assert ImportUpload.objects.values("token").distinct().count() == 1


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_preview_makes_the_same_number_of_queries_for_3_or_30_children(manager_client,
                                                                          django_assert_max_num_queries):
    small = queries_for(manager_client, upload(manager_client, return_files(children=3)).url)
    big_url = upload(manager_client, return_files(children=30)).url
    assert queries_for(manager_client, big_url) == small
    with django_assert_max_num_queries(16):
        manager_client.get(big_url)


def test_the_page_and_the_command_give_the_same_result(manager_client, tmp_path):
    token = upload(manager_client, return_files(children=3)).url.rstrip("/").split("/")[-1]
    manager_client.post(reverse("import_confirm", args=[token]))
    by_page = sorted(Placement.objects.values_list("child__case_ref", "start", "category", "route"))
    Child.objects.all().delete()
    for upload_file in return_files(children=3):
        (tmp_path / upload_file.name).write_bytes(upload_file.read())
    call_command("import_ssda903", str(tmp_path), verbosity=0)
    assert sorted(Placement.objects.values_list("child__case_ref", "start", "category", "route")) == by_page
    assert by_page[0][1] == date(2020, 1, 1)


def test_uploads_older_than_a_day_are_removed(manager_client, manager):
    stale = ImportUpload.objects.create(token="old", kind="costs", file_name="costs.csv", data=b"",
                                        uploaded_by=User.objects.create_user(username="someone"),
                                        uploaded_at=timezone.now() - timedelta(days=2))
    upload(manager_client, return_files())
    assert not ImportUpload.objects.filter(pk=stale.pk).exists()


def test_the_preview_lists_each_changed_field_with_a_date_of_birth_change_to_check_first(manager_client):
    token = upload(manager_client, return_files()).url.rstrip("/").split("/")[-1]
    manager_client.post(reverse("import_confirm", args=[token]))
    files = return_files()
    files[0] = SimpleUploadedFile("header.csv", f"{HEADER}\nK0000,1,16/06/2010,WBRI,,,\nK0001,1,15/06/2010,WBRI,,,".encode(),
                                  content_type="text/csv")
    page = manager_client.get(upload(manager_client, files).url).content.decode()
    assert "Changes to records already here" in page
    assert "1 change of a date of birth or sex: check the record is about the same child" in page
    for text in ("Child K0000", "date of birth", "15/06/2010", "16/06/2010", "Check"):
        assert text in page


def test_a_refused_set_names_only_the_file_with_bad_rows(manager_client):
    response = upload(manager_client, return_files(bad=("K0009,01/02/2020,S,C2,N1,U4,PR1,,,,,,",)))
    page = manager_client.get(response.url).content.decode()
    assert "1 row in episodes.csv cannot be imported" in page
    assert "correct that file and upload the files again" in page


def test_more_files_than_allowed_get_a_clear_message_not_a_bare_error(manager_client, settings):
    files = [SimpleUploadedFile(f"f{n}.csv", b"CHILD\n1\n", content_type="text/csv") for n in range(51)]
    response = manager_client.post(reverse("import_upload"), {"kind": "ssda903", "files": files})
    assert response.status_code == 400
    assert "Upload at most 50 files at a time" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_a_utf16_file_is_read_and_one_with_no_byte_order_mark_is_explained(manager_client):
    header = f"{HEADER}\nK0000,1,15/06/2010,WBRI,,,\n"
    episodes = f"{EPISODES}\nK0000,01/01/2020,S,C2,N1,U4,PR1,,,,,,\n"
    utf16 = [SimpleUploadedFile("header.csv", header.encode("utf-16"), content_type="text/csv"),
             SimpleUploadedFile("episodes.csv", episodes.encode("utf-16"), content_type="text/csv")]
    page = manager_client.get(upload(manager_client, utf16).url).content.decode()
    assert "Check the changes before importing" in page
    bare = [SimpleUploadedFile("header.csv", header.encode("utf-16-le"), content_type="text/csv")]
    page = manager_client.get(upload(manager_client, bare).url).content.decode()
    assert "saved as UTF-16" in page and "CSV UTF-8" in page
