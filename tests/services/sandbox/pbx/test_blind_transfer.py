"""AMI BlindTransfer as main/manager.c answers it (action_blind_transfer)."""
import asyncio


async def test_a_blind_transfer_answers_as_asterisk(pbx, ami):
    async def act(**fields):
        return await asyncio.wait_for(ami.send_action({"Action": "BlindTransfer", **fields}), 5)
    assert (await act(Exten="2002")).message == "No channel specified"
    assert (await act(Channel="PJSIP/2001-00000001")).message == "No extension specified"
    assert (await act(Channel="PJSIP/2001-00000099", Exten="2002")).message == "Channel specified does not exist"
