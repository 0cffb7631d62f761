"""The demo people of the sandboxes of national identity (VNeID-style provider) and of the population
registry: one list, so that the person who signs in at the sandbox provider is the person the sandbox
registry returns. Invented data: the ID numbers start with Hà Tĩnh's birth-registration code 042 and
are not real people's.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPerson:
    id_number: str
    full_name: str
    birth_date: datetime.date
    gender: str  # "nam" / "nu", the form schemas' choice values
    address: str
    hometown: str
    phone: str
    email: str
    assurance_level: int
    note: str  # what the person shows in the demo (sandbox sign-in page)


DEMO_PEOPLE = (
    DemoPerson("042090000001", "Nguyễn Văn An", datetime.date(1990, 5, 12), "nam",
               "Số 1 Phan Đình Phùng, Phường Thành Sen, Tỉnh Hà Tĩnh", "Xã Thạch Hà, Tỉnh Hà Tĩnh",
               "0912000001", "congdan@motcua.local", 2,
               "Mức 2; trùng tài khoản demo congdan@motcua.local đã định danh: đăng nhập vào tài khoản đó."),
    DemoPerson("042185000002", "Trần Thị Bình", datetime.date(1985, 11, 3), "nu",
               "Số 25 Nguyễn Du, Phường Thành Sen, Tỉnh Hà Tĩnh", "Xã Can Lộc, Tỉnh Hà Tĩnh",
               "0912000102", "", 1,
               "Mức 1: không nộp được thủ tục trực tuyến toàn trình."),
    DemoPerson("042078000003", "Lê Văn Cường", datetime.date(1978, 2, 20), "nam",
               "Thôn Trung, Xã Cẩm Xuyên, Tỉnh Hà Tĩnh", "Xã Cẩm Xuyên, Tỉnh Hà Tĩnh",
               "0912000103", "", 2,
               "Mức 2, chưa có tài khoản: lần đăng nhập đầu tiên tạo tài khoản mới."),
    DemoPerson("042199000004", "Phạm Thị Dung", datetime.date(1999, 8, 30), "nu",
               "Số 8 Hà Huy Tập, Phường Trần Phú, Tỉnh Hà Tĩnh", "Xã Hương Sơn, Tỉnh Hà Tĩnh",
               "0912000104", "", 2,
               "Mức 2; có tài khoản mật khẩu chưa định danh cùng số CCCD: không bị chiếm, tạo tài khoản mới."),
)

BY_ID_NUMBER = {person.id_number: person for person in DEMO_PEOPLE}
