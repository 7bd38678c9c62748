import pytest

from yibao.org.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    "func, value, masked",
    [
        (mask_name, "张三丰", "张**"),
        (mask_name, "张三", "张*"),
        (mask_name, "欧阳娜娜", "欧***"),
        (mask_name, "张", "*"),
        (mask_name, None, None),
        (mask_name, "", ""),
        (mask_id_number, "110101199003071234", "110101********1234"),
        (mask_id_number, "11010119900307123X", "110101********123X"),
        (mask_id_number, "110101900307123", "110101*****7123"),
        (mask_id_number, "12345", "*****"),
        (mask_id_number, None, None),
        (mask_id_number, "", ""),
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "0379-66123456", "037******3456"),
        (mask_phone, "12345", "*****"),
        (mask_phone, None, None),
        (mask_phone, "", ""),
    ],
)
def test_masking_keeps_only_the_agreed_characters(func, value, masked):
    assert func(value) == masked
